<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml">
  <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>42 141</gml:lowerCorner><gml:upperCorner>42.7 141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                                                                                    
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.0">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>42.6 141.5</gml:lowerCorner><gml:upperCorner>42.7 141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>42.6 141.5 42.6 141.6 42.7 141.6 42.6 141.5</gml:posList></gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing><gml:posList>42.62 141.52 42.62 141.53 42.63 141.53 42.62 141.52</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></ogr:geometryProperty>
      <ogr:id>1</ogr:id>
      <ogr:name>青葉小学校</ogr:name>
      <ogr:capacity>350</ogr:capacity>
      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.1">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>42 141</gml:lowerCorner><gml:upperCorner>42.3 141.3</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::4326"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>42 141 42.0 141.1 42.1 141.1 42 141</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>42.2 141.2 42.2 141.3 42.3 141.3 42.2 141.2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></ogr:geometryProperty>
      <ogr:id>2</ogr:id>
      <ogr:name>North School</ogr:name>
      <ogr:capacity xsi:nil="true"/>
      <ogr:note></ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.2">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>42.55 141.4</gml:lowerCorner><gml:upperCorner>42.55 141.4</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>42.55 141.4</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:id>3</ogr:id>
      <ogr:name>錦岡</ogr:name>
      <ogr:capacity>40</ogr:capacity>
      <ogr:note>津波</ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
</ogr:FeatureCollection>
