<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink">
  <NamedLayer>
    <se:Name>household</se:Name>
    <UserStyle>
      <se:Name>h</se:Name>
      <se:FeatureTypeStyle>
        <se:Rule>
          <se:Name>like</se:Name>
          <se:Description><se:Title>LIKE</se:Title></se:Description>
          <ogc:Filter>
            <ogc:And>
              <ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><ogc:PropertyName>mobility</ogc:PropertyName><ogc:Literal>*ee*chair!*</ogc:Literal></ogc:PropertyIsLike>
              <ogc:Not><ogc:PropertyIsBetween><ogc:PropertyName>number</ogc:PropertyName><ogc:LowerBoundary><ogc:Literal>1</ogc:Literal></ogc:LowerBoundary><ogc:UpperBoundary><ogc:Literal>9</ogc:Literal></ogc:UpperBoundary></ogc:PropertyIsBetween></ogc:Not>
            </ogc:And>
          </ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>50000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:ExternalGraphic><se:OnlineResource xlink:type="simple" xlink:href="https://example.org/i.png"/><se:Format>image/png</se:Format></se:ExternalGraphic><se:Size>12</se:Size><se:Rotation>30</se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#112233</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 1 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>name</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:Halo><se:Radius>1</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo></se:TextSymbolizer>
        </se:Rule>
        <se:Rule><se:ElseFilter/><se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>star</se:WellKnownName></se:Mark></se:Graphic></se:PointSymbolizer></se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
