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
      <gml:boundedBy><gml:Enve